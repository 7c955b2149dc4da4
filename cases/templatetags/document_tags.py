"""The case page's documents section: "dat, niet wat" where a document's class hides it (decided in
the query by cases.documents.selectors). Two queries, whatever the number of documents."""

from django import template

from cases.documents.selectors import document_rows_of

register = template.Library()


@register.inclusion_tag("documents/_case_section.html", takes_context=True)
def case_document_section(context, case, grants=None):
    """For a case the view obtained through case_for (`grants`: the reader's, where the view read them)."""
    return {"case": case, "rows": document_rows_of(context["request"].user, case, grants)}
