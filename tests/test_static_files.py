"""The production image collects its static files with hashed names: every file a stylesheet or a
script references (source maps included) must exist, or `collectstatic` fails the Docker build."""

from django.conf import settings
from django.core.management import call_command
from django.test import override_settings


def test_static_files_collect_with_the_manifest_storage(tmp_path):
    # Django's manifest storage does the reference checking of production's WhiteNoise storage
    # (which compresses on top: too slow for a test; .ci/run collects with the real one).
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", "--noinput", verbosity=0)
    assert (tmp_path / "staticfiles.json").exists()
    assert list(tmp_path.glob("vendor/bootstrap/bootstrap.rtl.min.*.css"))
