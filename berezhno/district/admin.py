"""The bank holds personal data only (``personal=True``): nothing of it is in the admin.
The review period is the deadline «district_bank_review» of the cases' deadline rules."""
