"""The site `make bench` serves under gunicorn: the app plus one minimal view to compare with."""
