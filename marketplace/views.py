from django.shortcuts import render

from listings import selectors as listing_selectors


def home(request):
    return render(
        request,
        "home.html",
        {
            "categories": listing_selectors.category_tree(),
            "newest": listing_selectors.newest_live(limit=12),
        },
    )
