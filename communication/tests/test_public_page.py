"""The public page: where the directory card leads, the association's public facts, the join button
when joining is open, published posts only (a draft is never public, nor its photos), Open Graph
tags; the logo (checked by content and size, resized); and the officers' pages."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from associations.errors import WaslError
from associations.tenancy import association_scope
from communication import services
from communication.models import Post, PostPhoto
from documents import logos
from documents.models import AssociationLogo
from members.models import MembershipSettings


def image_upload(size=(900, 600), fmt="PNG", name="image.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def public_url(tenant, name="public:page", **kwargs):
    return reverse(name, kwargs={"association_slug": tenant.association.slug, **kwargs})


def publish(tenant, **values):
    with association_scope(tenant.association):
        post = services.post_save(actor=tenant.president, values={"kind": "activity", **values})
        services.post_publish(actor=tenant.president, post_id=post.pk, publish=True)
    return post


def test_the_directory_card_opens_the_public_page(tenant_a, client):
    body = client.get(reverse("associations:home")).content.decode()
    assert f'href="{public_url(tenant_a)}"' in body


def test_the_public_page_shows_the_public_facts(tenant_a, client):
    with association_scope(tenant_a.association):
        services.public_profile_save(
            actor=tenant_a.president,
            object_ar="",
            object_fr="Soutenir la lecture des enfants",
            contact_email="Contact@Assoc.ma",
            contact_phone="0522123456",
        )
    body = client.get(public_url(tenant_a)).content.decode()
    association = tenant_a.association
    assert (
        association.name_fr in body and association.province.name in body and association.sector.name in body
    )
    assert "Soutenir la lecture des enfants" in body
    assert "contact@assoc.ma" in body and "+212522123456" in body
    assert "badge-verified" in body  # the factory's association is verified
    type(association).objects.filter(pk=association.pk).update(verified_at=None)
    body = client.get(public_url(tenant_a)).content.decode()
    assert "badge-unverified" in body and "unverified-notice" in body


def test_the_join_button_shows_only_when_joining_is_open(tenant_a, client):
    join = reverse("join", kwargs={"association_slug": tenant_a.association.slug})
    assert join not in client.get(public_url(tenant_a)).content.decode()
    with association_scope(tenant_a.association):
        MembershipSettings.objects.update_or_create(defaults={"join_form_open": True})
    assert join in client.get(public_url(tenant_a)).content.decode()


def test_a_draft_post_is_never_public(tenant_a, client):
    draft = tenant_a.post  # the fixture's draft, with a photo
    page = client.get(public_url(tenant_a)).content.decode()
    assert "draft-post-secret-a" not in page
    assert client.get(public_url(tenant_a, "public:post", post_id=draft.pk)).status_code == 404
    assert client.get(public_url(tenant_a, "public:photo", photo_id=tenant_a.photo.pk)).status_code == 404


def test_a_published_post_is_public_with_its_photos_and_open_graph(tenant_a, client):
    post = publish(tenant_a, title_fr="Journée de plantation", body_fr="Nous avons planté 200 arbres.")
    with association_scope(tenant_a.association):
        photo = services.post_photo_add(
            actor=tenant_a.president,
            post_id=post.pk,
            upload=image_upload((3000, 2000), "JPEG", "a.jpg"),
            caption="Les bénévoles",
            consent_confirmed=True,
        )
    assert (photo.width, photo.height) == (1280, 853)  # resized for slow connections
    page = client.get(public_url(tenant_a)).content.decode()
    assert "Journée de plantation" in page
    detail = client.get(public_url(tenant_a, "public:post", post_id=post.pk))
    body = detail.content.decode()
    assert detail["Cache-Control"] == "private, max-age=300"  # the visitor's menu: no shared cache
    assert '<meta property="og:title" content="Journée de plantation">' in body
    photo_url = public_url(tenant_a, "public:photo", photo_id=photo.pk)
    assert f'<meta property="og:image" content="http://testserver{photo_url}">' in body
    assert 'loading="lazy"' in body
    image = client.get(photo_url)
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    # Taken back to draft, it is no longer public.
    with association_scope(tenant_a.association):
        services.post_publish(actor=tenant_a.president, post_id=post.pk, publish=False)
    assert client.get(public_url(tenant_a, "public:post", post_id=post.pk)).status_code == 404
    assert client.get(photo_url).status_code == 404


def test_a_photo_needs_the_confirmation_that_people_in_it_agreed(scope_a):
    with pytest.raises(WaslError) as error:
        services.post_photo_add(
            actor=scope_a.president,
            post_id=scope_a.post.pk,
            upload=image_upload(),
            caption="",
            consent_confirmed=False,
        )
    assert error.value.field == "consent_confirmed"
    assert PostPhoto.objects.filter(post=scope_a.post).count() == 1  # the fixture's only


def test_a_post_needs_a_title_and_a_text(scope_a):
    before = Post.objects.count()
    for values in ({"body_fr": "x"}, {"title_ar": "عنوان"}):
        with pytest.raises(WaslError):
            services.post_save(actor=scope_a.president, values=values)
    assert Post.objects.count() == before


def test_an_unknown_or_inactive_association_has_no_public_page(tenant_a, client):
    assert client.get(reverse("public:page", kwargs={"association_slug": "nobody"})).status_code == 404
    type(tenant_a.association).objects.filter(pk=tenant_a.association.pk).update(is_active=False)
    assert client.get(public_url(tenant_a)).status_code == 404


# --- Logo -----------------------------------------------------------------------------------------


def test_a_logo_is_resized_stored_and_shown(tenant_a, client):
    with association_scope(tenant_a.association):
        logo = logos.logo_set(actor=tenant_a.president, upload=image_upload((2000, 1000)))
        assert (logo.width, logo.height) == (512, 256)
        assert logos.logo_data_uri().startswith("data:image/png;base64,")
    page = client.get(public_url(tenant_a)).content.decode()
    assert public_url(tenant_a, "public:logo") in page
    served = client.get(public_url(tenant_a, "public:logo"))
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(served.content)).size == (512, 256)


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("logo.png", b"<svg onload=alert(1)></svg>", content_type="image/png"),
        SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, content_type="image/png"),
        SimpleUploadedFile("logo.pdf", b"%PDF-1.4 not an image", content_type="application/pdf"),
    ],
    ids=["svg-markup", "truncated-png", "pdf"],
)
def test_a_non_image_logo_is_refused_and_changes_nothing(scope_a, upload):
    with pytest.raises(WaslError) as error:
        logos.logo_set(actor=scope_a.president, upload=upload)
    assert error.value.field == "file"
    assert not AssociationLogo.objects.exists()


def test_an_oversized_logo_is_refused_and_keeps_the_current_one(scope_a):
    current = logos.logo_set(actor=scope_a.president, upload=image_upload((100, 100)))
    big = SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (logos.LOGO_MAX_BYTES + 1))
    with pytest.raises(WaslError) as error:
        logos.logo_set(actor=scope_a.president, upload=big)
    assert error.value.code == "too_large"
    assert AssociationLogo.objects.get().sha256 == current.sha256


def test_the_logo_upload_page_says_what_is_wrong(tenant_a, client):
    client.force_login(tenant_a.president)
    url = reverse("communication:logo_upload", kwargs={"association_slug": tenant_a.association.slug})
    response = client.post(url, {"file": SimpleUploadedFile("x.png", b"GIF89a not really")})
    assert response.status_code == 400
    assert "not an accepted type" in response.content.decode()
    with association_scope(tenant_a.association):
        assert not AssociationLogo.objects.exists()


def test_the_member_card_prints_the_logo(scope_a):
    from members.cards import member_card_issue

    logos.logo_set(actor=scope_a.president, upload=image_upload((300, 300)))
    document = member_card_issue(actor=scope_a.president, member_id=scope_a.member_row.pk)
    from documents.services import document_pdf_bytes

    with_logo = document_pdf_bytes(document)
    logos.logo_remove(actor=scope_a.president)
    without_logo = document_pdf_bytes(document)
    assert with_logo.count(b"/Subtype /Image") > without_logo.count(b"/Subtype /Image")


def test_only_the_board_edits_the_public_page(tenant_a, client):
    client.force_login(tenant_a.member)
    for name in ("communication:posts", "communication:public_settings", "communication:announcement_create"):
        url = reverse(name, kwargs={"association_slug": tenant_a.association.slug})
        assert client.get(url).status_code == 403
