namespace ServiceDesk.Hosting.Validation;

/// <summary>
/// Checks one request message's fields before its handler runs; the validation interceptor finds it by
/// request type. Report every problem, not just the first: the caller fixes them in one go.
/// </summary>
public interface IRequestValidator<in TRequest>
    where TRequest : class
{
    void Validate(TRequest request, FieldViolations violations);
}
