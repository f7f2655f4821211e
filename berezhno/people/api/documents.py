"""Documents of persons: upload, download (logged), soft deletion."""

from django.db.models import Q
from django.http import FileResponse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from berezhno.core import audit
from berezhno.core.api import LoggedReads, ModelSerializer
from berezhno.core.files import ALLOWED_UPLOAD_TYPES
from berezhno.core.models import AccessKind

from .. import roles, services
from ..choices import SENSITIVE_DOCUMENT_TYPES, DocumentType
from ..models import Person, PersonDocument
from .common import ReasonSerializer, RegistryAccess, ScopedPersonField


class DocumentSerializer(ModelSerializer):
    person = ScopedPersonField()
    doc_type = serializers.ChoiceField(choices=DocumentType.choices)
    file = serializers.FileField(write_only=True)

    class Meta:
        model = PersonDocument
        fields = ["id", "person", "doc_type", "doc_date", "title", "file", "original_name",
                  "content_type", "size", "uploaded_by", "uploaded_at"]
        read_only_fields = ["original_name", "content_type", "size", "uploaded_by",
                            "uploaded_at"]


@extend_schema_view(list=extend_schema(summary="Документы"),
                    create=extend_schema(summary="Прикрепить документ"))
class DocumentViewSet(LoggedReads,
                      mixins.ListModelMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin,
                      viewsets.GenericViewSet):
    serializer_class = DocumentSerializer
    # An upload is multipart (the only one besides agreements' scans); the rest is JSON.
    parser_classes = [MultiPartParser]
    filterset_fields = ["person", "doc_type"]
    permission_classes = [RegistryAccess]
    create_permission = (roles.DOCUMENT, roles.ADD)

    def get_queryset(self):
        qs = PersonDocument.objects.restrict(self.request.user, roles.VIEW).filter(
            is_deleted=False)
        if self.action == "delete":
            qs = qs.restrict(self.request.user, roles.DELETE)
        sensitive_ok = Person.objects.restrict(self.request.user, roles.VIEW,
                                               kind=roles.SENSITIVE).values("pk")
        qs = qs.filter(~Q(doc_type__in=SENSITIVE_DOCUMENT_TYPES) | Q(person__in=sensitive_ok))
        return qs.order_by("-uploaded_at", "-id")

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.document_attach(
            user=self.request.user, person=d["person"], upload=d["file"],
            doc_type=d["doc_type"], doc_date=d.get("doc_date"), title=d.get("title", ""))

    @extend_schema(summary="Скачать файл документа",
                   responses={(200, mime): bytes for mime in sorted(ALLOWED_UPLOAD_TYPES)})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        doc = self.get_object()
        kind = (AccessKind.VIEW_SENSITIVE if doc.doc_type in SENSITIVE_DOCUMENT_TYPES
                else AccessKind.VIEW_DOCUMENT)
        audit.log_access(user=request.user, kind=kind, person_id=doc.person_id,
                         obj_repr=f"document:{doc.pk}", detail="api")
        response = FileResponse(doc.file.open("rb"), content_type=doc.content_type,
                                as_attachment=True, filename=doc.original_name)
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @extend_schema(summary="Удалить документ (мягко, с причиной)", request=ReasonSerializer,
                   responses={204: None})
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def delete(self, request, pk=None):
        doc = self.get_object()
        s = ReasonSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.document_delete(user=request.user, document=doc,
                                 reason=s.validated_data["reason"])
        return Response(status=status.HTTP_204_NO_CONTENT)
