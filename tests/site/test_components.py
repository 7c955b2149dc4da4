"""The component templates: every form control gets its NL Design System class from one place, errors
are tied to their control, buttons and alerts render as the Utrecht components, and the vendored CSS is
there with its licence and version."""

import re
from pathlib import Path

from django import forms
from django.conf import settings
from django.template.loader import render_to_string

VENDOR = Path(settings.BASE_DIR) / "safetyteams" / "static" / "vendor" / "nl-design-system"


class Sample(forms.Form):
    name = forms.CharField(label="Naam", help_text="Zoals in het dossier.")
    born = forms.DateField(label="Geboren", widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label="Soort", choices=[("a", "A"), ("b", "B")])
    note = forms.CharField(label="Notitie", widget=forms.Textarea)
    basis = forms.ChoiceField(label="Grondslag", choices=[("x", "X"), ("y", "Y")], widget=forms.RadioSelect)
    kinds = forms.MultipleChoiceField(
        label="Soorten", choices=[("p", "P"), ("q", "Q")], widget=forms.CheckboxSelectMultiple, required=False
    )
    agreed = forms.BooleanField(label="Akkoord", required=False)
    secret = forms.CharField(widget=forms.HiddenInput, required=False)


def test_every_control_gets_its_utrecht_class_without_a_class_in_the_form():
    html = render_to_string("form_fields.html", {"form": Sample()})

    assert re.search(r'<input type="text" name="name"[^>]*class="utrecht-textbox utrecht-textbox--html-input"', html)
    assert re.search(r'<input type="date" name="born"[^>]*class="utrecht-textbox', html)
    assert re.search(r'<select name="kind"[^>]*class="utrecht-select utrecht-select--html-select"', html)
    assert re.search(r'<textarea name="note"[^>]*class="utrecht-textarea utrecht-textarea--html-textarea"', html)
    assert re.search(r'<input type="checkbox" name="agreed"[^>]*class="utrecht-checkbox', html)
    assert html.count('class="utrecht-radio-button utrecht-radio-button--html-input"') == 2
    assert html.count('type="checkbox" name="kinds"') == 2 and html.count('name="kinds" value="p"') == 1
    # The group's wrapper is no radio button: only its inputs are.
    assert '<div id="id_basis">' in html and '<div id="id_kinds">' in html
    assert (
        re.search(r'<input type="hidden" name="secret"[^>]*>', html)
        and 'name="secret" id="id_secret" class' not in html
    )
    assert '<label for="id_name" class="utrecht-form-label utrecht-form-field__label">Naam' in html
    assert '<legend class="utrecht-form-fieldset__legend' in html and "Grondslag" in html


def test_a_field_with_an_error_is_marked_and_its_message_is_tied_to_the_control():
    form = Sample(data={"kind": "a", "note": "x", "basis": "x", "born": "2020-01-01"})
    assert not form.is_valid()
    html = render_to_string("form_fields.html", {"form": form})

    field = re.search(r'<div class="utrecht-form-field utrecht-form-field--invalid">.*?</div>\s*</div>', html, re.S)
    assert field and 'id="id_name_error"' in field[0]
    assert re.search(r'<input type="text" name="name"[^>]*aria-invalid="true"', html)
    assert re.search(r'name="name"[^>]*aria-describedby="id_name_helptext id_name_error"', html)
    assert "utrecht-textbox--invalid" in html


def test_buttons_and_alerts_render_as_the_utrecht_components():
    primary = render_to_string("components/button.html", {"label": "Opslaan"}).strip()
    assert primary == '<button type="submit" class="utrecht-button utrecht-button--primary-action">Opslaan</button>'
    warning = render_to_string("components/button.html", {"label": "Stoppen", "appearance": "warning", "name": "a"})
    assert 'class="utrecht-button utrecht-button--primary-action utrecht-button--danger" name="a" value=""' in warning
    link = render_to_string("components/button.html", {"label": "Verder", "href": "/x/", "id": "go"})
    assert link.startswith('<a href="/x/" class="utrecht-button-link utrecht-button-link--html-a') and 'id="go"' in link
    quiet = render_to_string("components/button.html", {"label": "Gelezen", "appearance": "link", "suffix": "VT-1"})
    assert 'class="utrecht-link-button' in quiet and '<span class="visually-hidden"> VT-1</span>' in quiet
    alert = render_to_string("components/alert.html", {"text": "<b>Opgeslagen</b>", "type": "success"})
    assert "utrecht-alert utrecht-alert--ok" in alert and "&lt;b&gt;Opgeslagen&lt;/b&gt;" in alert


def test_the_vendored_css_carries_its_licence_and_pinned_version():
    versions = (VENDOR / "VERSIONS").read_text()
    assert "@utrecht/component-library-css 9.0.4 EUPL-1.2" in versions
    assert "@nl-design-system-unstable/voorbeeld-design-tokens 7.4.1 EUPL-1.2" in versions
    for package in ("component-library-css", "voorbeeld-design-tokens"):
        assert "EUROPEAN UNION PUBLIC LICENCE" in (VENDOR / package / "LICENSE.md").read_text()
    css = (VENDOR / "component-library-css" / "index.css").read_text()
    assert ".utrecht-button" in css and ".utrecht-form-field" in css and ".utrecht-table" in css
    # Nothing loaded from elsewhere: the CSP allows styles, fonts and images from the site only.
    for path in VENDOR.rglob("*.css"):
        text = path.read_text()
        assert "@import" not in text and not re.search(r"url\(\s*(?![\"']?data:)", text), path
