"""The API's related fields look accounts, journals and projects up in the request's association,
whatever scope was open when the serializer class was built."""

import pytest
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from associations.api_base import ScopedPrimaryKeyRelatedField
from associations.tenancy import ScopeError, association_scope
from finance.models import Journal


def test_a_field_built_inside_one_association_serves_another(tenant_a, tenant_b):
    with association_scope(tenant_a.association):
        field = ScopedPrimaryKeyRelatedField(model=Journal)  # as if the module were imported here
        plain = serializers.PrimaryKeyRelatedField(queryset=Journal.objects.all())
        a_journal = Journal.objects.get(code="CAI")
    with association_scope(tenant_b.association):
        b_journal = Journal.objects.get(code="CAI")
        assert field.to_internal_value(b_journal.pk) == b_journal
        with pytest.raises(ValidationError):
            field.to_internal_value(a_journal.pk)  # another association's journal does not exist here
        # What a queryset written at class definition does instead: bound to A, it fails in B.
        with pytest.raises(ScopeError):
            plain.to_internal_value(b_journal.pk)
