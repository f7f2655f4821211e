"""API searches by a personal term: POSTed, never in an address (decision 0017).

A list whose FilterSet takes a name, СНИЛС or phone (``q``) offers ``POST …/search/`` with
the filters in a JSON body; the list itself refuses such a parameter in its query string
(400, ``code: search_in_address``) instead of running it, so that a client learns to move
the term out of the address, where proxies, server access logs and monitoring would keep it.
The page number and size stay in the query string (``?page=2``): they are not personal.
"""

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers
from rest_framework.filters import BaseFilterBackend

from . import logsafe


class SearchInAddress(exceptions.APIException):
    status_code = 400
    default_code = "search_in_address"
    default_detail = _("Условия поиска по ФИО, СНИЛС или телефону не принимаются в адресе "
                       "запроса: отправьте их в теле запроса POST на адрес …/search/.")


def body_query(data) -> QueryDict:
    """The JSON body of a search as the QueryDict a FilterSet binds to (``true``/``false``
    for booleans, no key for ``null``)."""
    query = QueryDict(mutable=True)
    if isinstance(data, QueryDict):
        for key in data:
            query.setlist(key, data.getlist(key))
        return query
    for key, value in (data or {}).items():
        if value is None:
            continue
        values = value if isinstance(value, list | tuple) else [value]
        query.setlist(key, [("true" if v else "false") if isinstance(v, bool) else str(v)
                            for v in values])
    return query


class BodyFilters(BaseFilterBackend):
    """The view's FilterSet bound to the request's body instead of its query string."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = getattr(view, "search_filterset_class", None) or view.filterset_class
        filterset = filterset_class(data=body_query(request.data), queryset=queryset,
                                    request=request)
        if not filterset.is_valid():
            raise serializers.ValidationError(
                {name: [str(m) for m in messages]
                 for name, messages in filterset.errors.items()})
        return filterset.qs


class SearchBody(serializers.Serializer):
    """A search body: its fields are the filters; any other key is refused (a misspelt
    filter must not silently return the whole list)."""

    def validate(self, attrs):
        unknown = sorted(set(getattr(self, "initial_data", None) or {}) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {name: [_("Такого условия поиска нет.")] for name in unknown})
        return attrs


class PostedSearch:
    """For a viewset with a personal ``q`` filter: its ``list`` refuses the term in the
    query string (its ``filterset_class`` should not offer it); ``search`` (an ``@action``
    the viewset declares with ``filter_backends=[BodyFilters]``) validates the body with
    ``search_body``, filters with ``search_filterset_class`` and returns the list's page."""

    search_params: tuple[str, ...] = ("q", "search")
    search_body: type[serializers.Serializer]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if (getattr(self, "action", None) == "list"
                and logsafe.has_personal(request.query_params, self.search_params)):
            raise SearchInAddress()

    def check_search_body(self, request) -> None:
        body = self.search_body(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
