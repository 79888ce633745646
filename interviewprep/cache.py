"""A Redis cache that fails open: when Redis is down, the site keeps working.

The cache holds allauth's rate limits, the cached copy of sessions (their
rows stay in the database), the signed-in person and rendered pages
(accounts.pagecache) and calendar feeds. If Redis is stopped or unreachable,
raising would turn every request into a 500; answering "nothing cached"
instead keeps the site up (sessions read from the database, pages rendered
afresh) while rate limits lapse, and a warning in the log says so.
Connections time out quickly (see settings.CACHES), and after a failure the
cache answers empty at once for RETRY_AFTER_SECONDS before it tries Redis
again, so a hung Redis costs one timeout per process and thread in that time
instead of one per cache call.
"""

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# At most one warning per process in this many seconds: an outage at busy
# times would otherwise print one line per cache call.
WARN_EVERY_SECONDS = 30.0


class SharedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis client, with one redis-py client per connection pool.

    Django builds a new redis.Redis for every cache call, and building one
    fills its table of ~170 response callbacks: a quarter of a millisecond of
    CPU on every session read. A redis.Redis is thread-safe (each command
    borrows a connection from the pool), so one per pool serves every call.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FailOpenRedisCache(RedisCache):
    """Django's RedisCache, answering as an empty cache while Redis is unreachable.

    get/get_many return the default, add returns True (allauth's lock is
    "taken"), set/delete/touch do nothing, incr raises ValueError as for a
    missing key. Errors are redis-py's RedisError (connection refused, timeout,
    a server answering errors); anything else still raises.
    """

    _last_warning = 0.0
    # Seconds after a failure during which calls answer empty without trying Redis.
    RETRY_AFTER_SECONDS = 5.0

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
        self._down_until = 0.0

    def _fail_open(self, operation: str, fallback: Callable[[], Any], call: Callable[[], Any]):
        if time.monotonic() < self._down_until:
            return fallback()
        try:
            return call()
        except RedisError as exc:
            now = time.monotonic()
            self._down_until = now + self.RETRY_AFTER_SECONDS
            if now - FailOpenRedisCache._last_warning >= WARN_EVERY_SECONDS:
                FailOpenRedisCache._last_warning = now
                logger.warning(
                    "Cache unavailable (%s on %s: %s); rate limits are not enforced and "
                    "nothing is cached until Redis answers again",
                    type(exc).__name__,
                    operation,
                    exc,
                )
            return fallback()

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super().add
        return self._fail_open("add", lambda: True, lambda: parent(key, value, timeout, version))

    def get(self, key, default=None, version=None):
        parent = super().get
        return self._fail_open("get", lambda: default, lambda: parent(key, default, version))

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super().set
        return self._fail_open("set", lambda: None, lambda: parent(key, value, timeout, version))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super().touch
        return self._fail_open("touch", lambda: False, lambda: parent(key, timeout, version))

    def delete(self, key, version=None):
        parent = super().delete
        return self._fail_open("delete", lambda: False, lambda: parent(key, version))

    def get_many(self, keys, version=None):
        parent = super().get_many
        return self._fail_open("get_many", dict, lambda: parent(keys, version))

    def has_key(self, key, version=None):
        parent = super().has_key
        return self._fail_open("has_key", lambda: False, lambda: parent(key, version))

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super().set_many
        return self._fail_open("set_many", list, lambda: parent(data, timeout, version))

    def delete_many(self, keys, version=None):
        parent = super().delete_many
        return self._fail_open("delete_many", lambda: None, lambda: parent(keys, version))

    def incr(self, key, delta=1, version=None):
        parent = super().incr

        def missing():
            raise ValueError(f"Key '{key}' not found (the cache is unavailable)")

        return self._fail_open("incr", missing, lambda: parent(key, delta, version))

    def clear(self):
        parent = super().clear
        return self._fail_open("clear", lambda: False, parent)
