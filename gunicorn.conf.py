"""gunicorn's settings for the web service, in one place: docker-compose.yml's web service runs
`gunicorn safetyteams.wsgi:application --config gunicorn.conf.py`, and benchmarks/load_test.py measures
with this same file (only the address differs). Figures and the reasons: benchmarks/README.md.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Pages are CPU work in Python; PostgreSQL shares the cores. Per container of two cores.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "sync"
threads = 1
timeout = 60
# The application is imported once, before the workers fork (less memory, faster start); it opens no
# database connection while loading, so no connection is shared across the fork.
preload_app = True
# One line per request on standard output (the container's log).
accesslog = "-"
