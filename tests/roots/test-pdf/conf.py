# A policy whose PDF links everywhere a link can go wrong in LaTeX: to the policy
# (in the root document, before the toctree), which has a finding of its own (no
# DSL); to a hidden item; to an item in a document the PDF leaves out.
extensions = ["sphinxcontrib_sociallpolicy"]
sm_guidance = ["kent-2010", "uk-online-safety"]
sm_today = "2026-11-24"
latex_documents = [
    ("index", "policy.tex", "Social media policy", "Oakfield Primary School", "manual")
]
latex_elements = {"papersize": "a4paper", "printindex": ""}
