from django import template

register = template.Library()


@register.filter
def get(mapping, key):
    """{{ row.counts|get:key }}: a dictionary value by a key held in a variable."""
    return mapping.get(key, "") if hasattr(mapping, "get") else ""


@register.filter
def iso_vn(value) -> str:
    """"2023-03-01" (as stored in JSON) -> "01/03/2023"."""
    if not value:
        return ""
    year, month, day = str(value)[:10].split("-")
    return f"{day}/{month}/{year}"
