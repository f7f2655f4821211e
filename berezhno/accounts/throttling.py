"""The API's per-user rate (``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["user"]``)."""

from rest_framework.settings import api_settings
from rest_framework.throttling import UserRateThrottle


class UserThrottle(UserRateThrottle):
    """DRF's per-user throttle (anonymous requests counted per address), with the rate read
    when a request comes rather than once at import, so that a changed setting applies."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
