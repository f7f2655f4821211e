"""Contacts with persons; a re-sent contact (same ``client_uuid``) is not doubled."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from berezhno.core.api import LoggedReads, ModelSerializer

from .. import roles, services
from ..choices import ContactChannel, ContactPurpose
from ..models import Contact, Person
from .common import RegistryAccess


class ContactSerializer(ModelSerializer):
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.none())
    channel = serializers.ChoiceField(choices=ContactChannel.choices)
    purpose = serializers.ChoiceField(choices=ContactPurpose.choices)
    author_name = serializers.CharField(source="author.full_name", read_only=True)

    class Meta:
        model = Contact
        fields = ["id", "person", "household", "occurred_at", "author", "author_name", "channel",
                  "purpose", "notes", "outcome", "next_contact_date", "client_uuid"]
        read_only_fields = ["author", "household"]
        extra_kwargs = {"occurred_at": {"required": False},
                        "client_uuid": {"validators": []}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["person"].queryset = Person.objects.restrict(
                request.user, roles.ADD, kind=roles.CONTACT)


@extend_schema_view(list=extend_schema(summary="Контакты"),
                    create=extend_schema(summary="Записать контакт (повтор с тем же client_uuid "
                                                 "не создаёт дубль)"))
class ContactViewSet(LoggedReads,
                     mixins.ListModelMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin,
                     viewsets.GenericViewSet):
    serializer_class = ContactSerializer
    filterset_fields = ["person", "channel", "purpose"]
    permission_classes = [RegistryAccess]
    create_permission = (roles.CONTACT, roles.ADD)

    def get_queryset(self):
        return Contact.objects.restrict(self.request.user, roles.VIEW).select_related(
            "author").order_by("-occurred_at", "-id")

    def perform_create(self, serializer):
        d = dict(serializer.validated_data)
        person = d.pop("person")
        serializer.instance = services.contact_log(user=self.request.user, person=person,
                                                   **d)
