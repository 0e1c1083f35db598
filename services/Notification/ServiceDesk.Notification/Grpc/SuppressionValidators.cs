using ServiceDesk.Contracts.Notification.V1;
using ServiceDesk.Hosting.Validation;

namespace ServiceDesk.Notification.Grpc;

internal sealed class IsSuppressedValidator : IRequestValidator<IsSuppressedRequest>
{
    public void Validate(IsSuppressedRequest request, FieldViolations violations) => violations.Address("address", request.Address);
}
