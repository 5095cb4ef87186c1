from django.http import HttpResponse
def _stub(request, **kw): return HttpResponse()
account = signup = profile_edit = household = learner_add = learner_detail = learner_edit = learner_remove = guardian_invite = learner_login = invitation_accept = _stub
