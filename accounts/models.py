"""A user is global: one person, one login, roles in any number of associations."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create(email, password, **extra)


class User(AbstractUser):
    """Logs in by e-mail. Platform roles live here; association roles live in associations.Role."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    # Platform role: sees the ministry's aggregated indicators, never a person's data.
    is_ministry_reviewer = models.BooleanField(_("ministry reviewer"), default=False)
    # Bumped whenever one of the person's roles, or an association they hold one in, changes: the
    # list of their associations kept in their session is valid while it carries this number
    # (associations.selectors.memberships_of_request), with no query to check it.
    memberships_version = models.PositiveIntegerField(default=0, editable=False)
    # Platform role: publishes the platform's own courses in the training catalogue.
    is_training_manager = models.BooleanField(_("training manager"), default=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def display_name(self) -> str:
        return self.full_name or self.email
