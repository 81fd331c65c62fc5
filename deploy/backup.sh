#!/bin/sh
# A dump of the Mit Forløb database in pg_dump's custom format, checked
# readable before it gets its final name; dumps older than KEEP_DAYS are
# removed. Copy them off the machine too. Restore: pg_restore -d mitforlob --clean FILE
set -eu
dir=${BACKUP_DIR:-/var/backups/mitforlob}
keep=${KEEP_DAYS:-14}
file="$dir/mitforlob-$(date -u +%Y%m%dT%H%M%SZ).dump"
pg_dump --format=custom --file="$file.partial" --dbname="$DATABASE_URL"
pg_restore --list "$file.partial" >/dev/null
mv "$file.partial" "$file"
find "$dir" -name 'mitforlob-*.dump' -mtime +"$keep" -delete
echo "$file"
