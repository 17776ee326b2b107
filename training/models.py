"""training models: to come. Every model here subclasses associations.tenancy.TenantModel."""
