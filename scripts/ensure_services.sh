#!/usr/bin/env bash
# Starts the local PostgreSQL and Redis when they are installed but stopped (the tests need both).
set -u
if command -v pg_isready >/dev/null && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
fi
if command -v redis-cli >/dev/null && ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true
fi
# The main database (makemigrations --check reads its history); the tests create their own.
if command -v psql >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; then
  psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='veiligheidsteam'" | grep -q 1 \
    || createdb -h 127.0.0.1 -U postgres veiligheidsteam || true
fi
exit 0
