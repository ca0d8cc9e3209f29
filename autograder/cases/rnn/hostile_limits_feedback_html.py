"""Complete answers that display HTML, JavaScript, SVG, Markdown and a PNG whose base64 breaks out of its tag, each carrying a script meant to run in the TA's browser.

expect: full
base: solution
"""
# %% embedding_forward
display({"text/html": "<script>alert('html')</script><img src=x onerror=alert('img')>",
         "application/javascript": "alert('js')",
         "image/svg+xml": "<svg xmlns='http://www.w3.org/2000/svg'><script>alert('svg')</script></svg>",
         "text/markdown": "<script>alert('md')</script>",
         "image/png": "AAAA\"><script>alert('png')</script>",
         "text/plain": "a harmless summary"}, raw=True)


def embedding_forward(ids, E):
    ids = np.asarray(ids)
    display({"text/html": "<script>alert('during a test')</script>"}, raw=True)
    return E[ids], (ids, E.shape)
