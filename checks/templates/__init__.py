"""Templates (Jinja2 and Django): where most XSS of a real web app is written.

A template is analysed on its own text (:mod:`.lexer` finds the tags without ever raising,
so a half-typed tag costs only itself; :mod:`.html` says where each printed value lands:
text, a URL attribute, a script) and together with the views that render it: the
``template_renders`` fact (:mod:`.views`) records, per Python file, which templates it
renders and which of the values it passes carry request or stored data, as the taint
engine followed them. :mod:`.linking` joins the two.
"""
