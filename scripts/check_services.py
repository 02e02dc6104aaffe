"""Say clearly when PostgreSQL or Redis is not reachable, and how to start it."""

import os
import sys
from urllib.parse import urlparse

import psycopg
import redis

problems = []
db = urlparse(os.environ["DATABASE_URL"])
try:
    psycopg.connect(
        host=db.hostname,
        port=db.port or 5432,
        user=db.username or "postgres",
        dbname="postgres",
        connect_timeout=3,
    ).close()
except psycopg.OperationalError as error:
    problems.append(
        f"PostgreSQL at {db.hostname}:{db.port or 5432} is not reachable ({error}).\n"
        "  Start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n"
        "  or point TEST_DATABASE_URL at another server."
    )
try:
    redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=3).ping()
except redis.RedisError as error:
    problems.append(
        f"Redis at {os.environ['REDIS_URL']} is not reachable ({error}).\n"
        "  Start it: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save ''\n"
        "  or point TEST_REDIS_URL at another server."
    )
if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
print("PostgreSQL and Redis are reachable.")
