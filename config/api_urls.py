from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from berezhno.accounts import api as accounts_api
from berezhno.cases import api as cases_api
from berezhno.core import audit_api
from berezhno.people import api as people_api
from berezhno.territories import api as territories_api

router = DefaultRouter()
router.register("persons", people_api.PersonViewSet, basename="person")
router.register("categories", people_api.CategoryViewSet, basename="category")
router.register("consents", people_api.ConsentViewSet, basename="consent")
router.register("contacts", people_api.ContactViewSet, basename="contact")
router.register("documents", people_api.DocumentViewSet, basename="document")
router.register("households", people_api.HouseholdViewSet, basename="household")
router.register("territories", territories_api.TerritoryViewSet, basename="territory")
router.register("districts", territories_api.DistrictViewSet, basename="district")
router.register("organisations", accounts_api.OrganisationViewSet, basename="organisation")
router.register("agreements", accounts_api.AgreementViewSet, basename="agreement")
router.register("users", accounts_api.UserViewSet, basename="user")
router.register("role-assignments", accounts_api.RoleAssignmentViewSet,
                basename="role-assignment")
router.register("cases", cases_api.CaseViewSet, basename="case")
router.register("case-problems", cases_api.CaseProblemViewSet, basename="case-problem")
router.register("plans", cases_api.PlanViewSet, basename="plan")
router.register("activities", cases_api.ActivityViewSet, basename="activity")
router.register("referrals", cases_api.ReferralViewSet, basename="referral")
router.register("urgent-acts", cases_api.UrgentActViewSet, basename="urgent-act")
router.register("problems", cases_api.ProblemViewSet, basename="problem")
router.register("questionnaires", cases_api.QuestionnaireViewSet, basename="questionnaire")
router.register("assessments", cases_api.AssessmentViewSet, basename="assessment")
router.register("sop", cases_api.SopViewSet, basename="sop")
router.register("board", cases_api.BoardViewSet, basename="board")
router.register("audit/access", audit_api.AccessLogViewSet, basename="access-log")
router.register("audit/changes", audit_api.ChangeLogViewSet, basename="change-log")

urlpatterns = [
    path("directory/", territories_api.DirectoryView.as_view(), name="api-directory"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("indicators/", include("berezhno.indicators.api_urls")),
    path("", include(router.urls)),
]
