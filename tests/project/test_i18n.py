"""Every string people read is translated: marked for gettext in the code and the templates, and
translated in the Vietnamese catalog (English is the source language)."""
from marketplace import i18n
from tests import i18n_support


def test_templates_mark_every_text_people_read():
    problems = i18n_support.template_problems()
    assert not problems, "Text to mark with _() or {% trans %}:\n" + "\n".join(problems)


def test_code_marks_every_message_people_read():
    problems = i18n_support.python_problems()
    assert not problems, "Messages to mark with _() or _l():\n" + "\n".join(problems)


def test_the_vietnamese_catalog_translates_every_marked_string():
    catalog = i18n.read("vi")
    known = {message.id for message in catalog if message.id}
    extracted = [message.id for message in i18n.extract() if message.id]
    absent = [i18n._key(msgid) for msgid in extracted if msgid not in known]
    assert not absent, "Not in the catalog (run `make messages`, then translate):\n" + "\n".join(absent)
    untranslated = [i18n._key(m.id) for m in i18n.untranslated(catalog)]
    assert not untranslated, "Untranslated (python -m marketplace.i18n missing):\n" + "\n".join(untranslated)


def test_translations_keep_their_placeholders():
    """A translation that drops or renames %(name)s would raise KeyError at render time, or say less."""
    import re

    placeholder = re.compile(r"%\(\w+\)[sd]|\{\w*\}")
    wrong = []
    for message in i18n.read("vi"):
        if not message.id or not message.string:
            continue
        source = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            if sorted(placeholder.findall(source)) != sorted(placeholder.findall(text)):
                wrong.append(f"{source!r} -> {text!r}")
    assert not wrong, "\n".join(wrong)
