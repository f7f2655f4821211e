"""Gunicorn's settings for production (decision 0027): ``gunicorn -c config/gunicorn_conf.py``.

Each variable can be overridden from the environment: ``BIND`` (default 127.0.0.1:8000 —
nginx in front, docs/operations/), ``WEB_WORKERS`` (processes; default two per core),
``WEB_THREADS`` (threads per process; default 2), ``WEB_TIMEOUT`` (seconds a request may
take before its worker is restarted; default 60: the longest synchronous exports).
"""

import multiprocessing
import os

wsgi_app = "config.wsgi:application"
bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_WORKERS") or 2 * multiprocessing.cpu_count())
threads = int(os.environ.get("WEB_THREADS") or 2)
worker_class = "gthread"
timeout = int(os.environ.get("WEB_TIMEOUT") or 60)
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (and a random part of it, so that they do
# not all restart at once): a slow leak in a library cannot grow without bound.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS") or 2000)
max_requests_jitter = 200
# The application is imported once in the master and the workers are forked from it.
preload_app = True
# The access log goes through Django's LOGGING (logger ``gunicorn.access``, whose filter
# removes personal terms from the query string, decision 0017).
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
