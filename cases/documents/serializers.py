"""API shapes of the documents. A row of the list says "dat, niet wat" when the class hides the
document (title, persons and file are null); a document's own shape is for readers of its class."""

from __future__ import annotations

from rest_framework import serializers

from cases.api_input import BoundedDateField
from cases.documents.models import (
    ChildMeasure,
    Confidentiality,
    Document,
    DocumentKind,
    DocumentVersion,
    Measure,
    MeasureEndReason,
)


class DocumentRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    confidentiality = serializers.CharField()
    document_date = serializers.DateField(allow_null=True)
    author_organisation = serializers.CharField()
    created_by = serializers.CharField()
    created_at = serializers.DateTimeField()
    versions = serializers.IntegerField()
    readable = serializers.BooleanField()
    title = serializers.CharField(allow_null=True)
    persons = serializers.CharField(allow_null=True)
    latest_version_id = serializers.IntegerField(allow_null=True)


class VersionSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True)

    class Meta:
        model = DocumentVersion
        fields = [
            "id",
            "number",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "status",
            "uploaded_by",
            "uploaded_at",
        ]
        read_only_fields = fields


class ChildMeasureSerializer(serializers.ModelSerializer):
    """One child's measure of a beschikking: the child is a person id of the case."""

    class Meta:
        model = ChildMeasure
        fields = ["id", "child", "measure", "decided_on", "starts_on", "planned_end", "ended_on", "end_reason"]
        read_only_fields = fields


class DocumentSerializer(serializers.ModelSerializer):
    author_organisation = serializers.CharField(source="author_organisation.name", read_only=True)
    persons = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    child_measures = ChildMeasureSerializer(many=True, read_only=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "kind",
            "title",
            "document_date",
            "author_organisation",
            "confidentiality",
            "persons",
            "retention_class",
            "measure",
            "decided_on",
            "measure_start",
            "measure_end",
            "extension_request_due",
            "child_measures",
            "created_at",
            "version",
        ]
        read_only_fields = fields


class DocumentCreateSerializer(serializers.Serializer):
    """A multipart upload: the document's fields and its first file."""

    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    title = serializers.CharField(max_length=200)
    document_date = BoundedDateField()
    confidentiality = serializers.ChoiceField(choices=Confidentiality.choices)
    persons = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, default=list)
    file = serializers.FileField(allow_empty_file=True)
    measure = serializers.ChoiceField(choices=Measure.choices, required=False, allow_blank=True, default="")
    decided_on = BoundedDateField(required=False, allow_null=True, default=None)
    measure_start = BoundedDateField(required=False, allow_null=True, default=None)
    measure_end = BoundedDateField(required=False, allow_null=True, default=None)


class VersionCreateSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)


class MeasureEndSerializer(serializers.Serializer):
    ended_on = BoundedDateField()
    reason = serializers.ChoiceField(choices=MeasureEndReason.choices)
