"""Pictures where people would rather look than read: a class's funnel, its attendance map, and
first-attempt pass rates, as PNG files with alt text (matplotlib's object API, no pyplot)."""
