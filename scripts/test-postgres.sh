#!/usr/bin/env bash
# Start Debian's PostgreSQL on loopback for the test suite and print the URL to use as
# KIMBOT_TEST_POSTGRES_URL: the URL is the only thing written to standard output. Needs root (for the postgres system user) and the `postgresql`
# package. The role may create databases: every test gets a fresh one and drops it.
set -euo pipefail

version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | grep -q "^$version main"; then
  pg_createcluster "$version" main >&2
fi
pg_ctlcluster "$version" main start >/dev/null 2>&1 || true  # already running is fine
port=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $3}')

for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$port" && break
  sleep 1
done

runuser -u postgres -- psql -q -p "$port" -v ON_ERROR_STOP=1 <<SQL >/dev/null
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kimbot_test') THEN
    CREATE ROLE kimbot_test LOGIN CREATEDB PASSWORD 'kimbot_test';
  END IF;
END
\$\$;
SQL
echo "postgresql://kimbot_test:kimbot_test@127.0.0.1:${port}/postgres"
