"""Project URLs for the package metadata (pyproject.toml lists ``urls`` as dynamic).

The public address of the repository is not fixed in the source; like the book
(book/_ext/xinzhi_book.py), the build takes it from the environment:

    XINZHI_REPOSITORY_URL=https://github.com/OWNER/REPO make dist
    XINZHI_BOOK_URL=https://OWNER.github.io/REPO/           # optional: Documentation

Without XINZHI_REPOSITORY_URL the package simply has no project URLs.
Everything else is in pyproject.toml.
"""

import os

from setuptools import setup


def project_urls() -> dict[str, str]:
    urls = {}
    repository = os.environ.get("XINZHI_REPOSITORY_URL", "").strip().rstrip("/")
    if repository:
        if repository.endswith(".git"):
            repository = repository[: -len(".git")]
        urls["Source"] = repository
        urls["Issues"] = repository + "/issues"
    book = os.environ.get("XINZHI_BOOK_URL", "").strip()
    if book:
        urls["Documentation"] = book
    return urls


setup(project_urls=project_urls())
