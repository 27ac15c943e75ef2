"""AG News from the file to the token indexes a network reads (lessons 00-02).

- `download`: where the canonical files come from, fetching them once, checking their MD5s;
- `reading`: reading, checking and cutting the files to a preset's size (`load_ag_news`);
- `text`: how text splits into words, one rule for the vectorizer, LIME and the tables;
- `vectorizer`: `TextVectorization` fitted on the training text, and its index matrices;
- `vocabulary_cache`: index matrices a vectorizer already produced, kept for the next approach.
"""


def __getattr__(name):  # names of the 0.1 module this package replaced, for one release
    from .._aliases import package_attribute

    return package_attribute(__name__, name)
