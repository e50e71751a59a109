from django.urls import path
from django.views.decorators.cache import never_cache

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.intake, name="intake"),
    path("new/communes/", views.communes, name="communes"),
    path("overdue/", views.overdue, name="overdue"),
    path("statistics/", views.statistics, name="statistics"),
    path("export/", views.export, name="export"),
    path("access-log/", views.access_log, name="access_log"),
    path("referrals/", views.referrals_incoming, name="referrals_incoming"),
    path("referrals/<int:referral_pk>/respond/", views.referral_respond, name="referral_respond"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/forward/", views.forward, name="forward"),
    path("<int:pk>/assess/<str:kind>/", views.assess, name="assess"),
    path("<int:pk>/emergency/", views.emergency, name="emergency"),
    path("<int:pk>/plan/", views.plan_edit, name="plan"),
    path("<int:pk>/plan/decide/", views.plan_decide, name="plan_decide"),
    path("<int:pk>/services/new/", views.service, name="service"),
    path("<int:pk>/consents/new/", views.consent, name="consent"),
    path("<int:pk>/consents/<int:consent_pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("<int:pk>/referrals/new/", views.referral, name="referral"),
    path("<int:pk>/offender/", views.offender, name="offender"),
    path("<int:pk>/delay/", views.delay, name="delay"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
    path("<int:pk>/archive/", views.archive, name="archive"),
    path("<int:pk>/duplicate/dismiss/", views.dismiss_duplicate, name="dismiss_duplicate"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/assign/<int:assignment_pk>/end/", views.unassign, name="unassign"),
    path("<int:pk>/print/<int:number>/", views.print_form, name="print"),
    path("<int:pk>/print/<int:number>/<str:fmt>/", views.print_form, name="print_format"),
]

# Every case page, not only prints and exports: a child's name and story must not stay in the browser's or a
# proxy's cache on a shared office computer (docs/privacy.md).
for _pattern in urlpatterns:
    _pattern.callback = never_cache(_pattern.callback)
