"""The repository readers report errors to: `repo_url` in mkdocs.yml, set from TELECODE_REPO_URL
by whoever publishes the site. With it, the about page's "Report an error" and the header link
there; without it (a local build) no repository address is named or invented. Generated pages
never get "edit this page" links."""

from __future__ import annotations

from tests.site.conftest import SiteDir, build_site

URL = "https://git.example.org/telecode"


def test_a_build_without_a_repository_names_none(site):
    html = site.main_html("/about/")
    assert "whoever published this copy of the site gives its address" in site.text("/about/")
    assert "md-source" not in site.html("/about/") and "href=\"https://" not in html.split(
        "Report an error", 1)[1].split("</ol>", 1)[0]


def test_a_published_build_links_its_repository(tmp_path, bundle_path, monkeypatch):
    monkeypatch.setenv("TELECODE_REPO_URL", URL)
    out = tmp_path / "site"
    proc = build_site(bundle_path, out)
    assert proc.returncode == 0, proc.stderr
    site = SiteDir(out)
    assert f'<a href="{URL}">telecode repository</a>' in site.main_html("/about/")
    assert "whoever published" not in site.text("/about/")
    page = site.html("/codes/99214/")
    assert f'href="{URL}"' in page and "md-source" in page  # the header's repository link
    assert "md-content__button" not in page  # no edit link on a generated page
