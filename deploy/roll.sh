#!/bin/sh
# Restarts the server processes one at a time (after an upgrade, or a changed
# /etc/mitforlob/mitforlob.env): each drains on SIGTERM while nginx sends new
# requests to the other. The next one is stopped only once this one answers
# /readyz and nginx has had fail_timeout (2 s) to take it back.
# After an upgrade with new migrations run `server migrate` once first.
set -eu
for port in ${PORTS:-3001 3002}; do
    systemctl restart "mitforlob@$port"
    tries=0
    until curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
        tries=$((tries + 1))
        if [ "$tries" -ge 60 ]; then
            echo "mitforlob@$port is not ready after 60 s; stopping the roll" >&2
            exit 1
        fi
        sleep 1
    done
    sleep 3
    echo "mitforlob@$port restarted and ready"
done
