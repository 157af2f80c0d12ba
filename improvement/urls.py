"""Pages of the improvement app: the board, cycles and their phases, actions, My actions."""

from django.urls import path

from .views import actions, board, cycles, suggestions

app_name = "improvement"

urlpatterns = [
    # the board and the phase lists
    path("", board.board, name="board"),
    path("cycles/", board.cycle_list, name="cycle-list"),
    # one cycle ("new" comes before <reference>: references start with "PDCA-")
    path("cycles/new/", cycles.cycle_create, name="cycle-create"),
    path("cycles/<str:reference>/", cycles.cycle_detail, name="cycle-detail"),
    path("cycles/<str:reference>/plan/", cycles.cycle_plan, name="cycle-plan"),
    path("cycles/<str:reference>/advance/", board.cycle_advance, name="cycle-advance"),
    path("cycles/<str:reference>/move/<slug:move>/", cycles.cycle_move, name="cycle-move"),
    path("cycles/<str:reference>/recognise/", cycles.cycle_recognise, name="cycle-recognise"),
    path("cycles/<str:reference>/actions/", actions.action_add, name="action-add"),
    path("ideas/<int:pk>/start/", cycles.cycle_from_idea, name="cycle-from-idea"),
    # actions
    path("actions/mine/", actions.my_actions, name="my-actions"),
    path("actions/<int:pk>/done/", actions.action_complete, name="action-complete"),
    path("actions/<int:pk>/defer/", actions.action_defer, name="action-defer"),
    path("actions/<int:pk>/reopen/", actions.action_reopen, name="action-reopen"),
    # suggested cycles (CAPA)
    path("suggestions/", suggestions.suggestion_list, name="suggestion-list"),
    path(
        "suggestions/<int:pk>/accept/",
        suggestions.suggestion_accept,
        name="suggestion-accept",
    ),
    path(
        "suggestions/<int:pk>/dismiss/",
        suggestions.suggestion_dismiss,
        name="suggestion-dismiss",
    ),
]
