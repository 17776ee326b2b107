"""Member register (issue 4). Every model here subclasses associations.tenancy.TenantModel."""
