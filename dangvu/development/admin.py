# Candidates, their steps and admission targets are written only through dangvu.development.services
# (rules and audit trail); they are deliberately not editable in the Django admin.
