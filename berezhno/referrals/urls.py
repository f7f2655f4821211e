"""Pages of referrals, under ``cases/`` as before the split (decision 0011)."""

from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("referrals/", views.referral_inbox, name="inbox"),
    path("referrals/<int:referral_pk>/accept/", views.referral_accept, name="accept"),
    path("referrals/<int:referral_pk>/reject/", views.referral_reject, name="reject"),
    path("referrals/<int:referral_pk>/result/", views.referral_complete,
         name="complete"),
    path("referrals/<int:referral_pk>/withdraw/", views.referral_withdraw,
         name="withdraw"),
    path("<int:pk>/referrals/new/", views.referral_send, name="send"),
]
