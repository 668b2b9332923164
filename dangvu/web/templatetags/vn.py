from __future__ import annotations

from django import template

from dangvu.codes.data import label

register = template.Library()


@register.filter
def vn_number(value) -> str:
    """1234567 -> "1.234.567"; 12.5 -> "12,5" (Vietnamese grouping)."""
    if value is None or value == "":
        return ""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if number.is_integer():
        return f"{int(number):,}".replace(",", ".")
    whole, _, fraction = f"{number:,.1f}".partition(".")
    return f"{whole.replace(',', '.')},{fraction}"


@register.filter
def code_label(code, list_name: str) -> str:
    return label(list_name, code)


@register.filter
def vn_date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""
