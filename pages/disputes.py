"""Disputes (staff): the companies' disputes of data points, oldest first; resolve each as
upheld (then correct the evidence on the Data page) or rejected with a reason (issue 23)."""

import streamlit as st

from ui import auth, cache, disputes_view, nav
from wording.i18n import _

nav.through_app("disputes")

version = cache.db_version()
st.title(_("Disputes"))
st.caption(
    _(
        "A company disputes a data point it sees on its Company page. The point shows as disputed to staff and "
        "affiliates, and the score counts the evidence as recorded until you decide. The company reads the "
        "outcome and your reason on its page; affiliates see resolved disputes under What changed."
    )
)
disputes_view.staff_queue(version, auth.user().username)
