from rest_framework.permissions import SAFE_METHODS, BasePermission


class IsAgent(BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.groups.filter(name="agents").exists())


class IsTicketOwnerOrAgent(BasePermission):
    """Customers see their own tickets; agents see everything."""

    def has_object_permission(self, request, view, obj):
        if request.user.groups.filter(name="agents").exists():
            return True
        return obj.requester_id == request.user.id and (request.method in SAFE_METHODS or obj.status != "closed")
