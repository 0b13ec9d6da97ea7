namespace Onboarding.Api.Infrastructure;

/// <summary>
/// A refusal in its surface's own wire shape: the status and the body as the client reads it (the public
/// <see cref="ApiError"/>, the interview's envelope, or a shape an endpoint declares of its own).
/// </summary>
public sealed record Failure(int Status, object Body)
{
    public static implicit operator Failure(JsonHttpResult<ApiError> error) => new(error.StatusCode ?? StatusCodes.Status400BadRequest, error.Value!);

    /// <summary>The refusal as the answer, for the endpoints whose surface answers in <typeparamref name="TBody"/>.</summary>
    public JsonHttpResult<TBody> As<TBody>() =>
        Body is TBody body
            ? TypedResults.Json(body, statusCode: Status)
            : throw new InvalidOperationException($"This refusal ({Body.GetType().Name}) is not a {typeof(TBody).Name}.");
}

/// <summary>What a service answers: a value, or the <see cref="Failure"/> to answer with; <see cref="Replayed"/> marks an idempotent replay.</summary>
public readonly record struct Outcome<T>(T? Value, Failure? Failure, bool Replayed = false)
{
    public static implicit operator Outcome<T>(T value) => new(value, null);

    public static implicit operator Outcome<T>(Failure failure) => new(default, failure);

    public static implicit operator Outcome<T>(JsonHttpResult<ApiError> error) => new(default, error);
}

/// <summary>
/// Turns an <see cref="Outcome{T}"/> into the endpoint's answer: the value as <c>ok</c> answers it, or the failure in the
/// surface's error shape <typeparamref name="TError"/>. A replay says so in <c>Idempotent-Replayed</c>, the header
/// Stripe-style clients look for.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000", Justification = "The caller names the error shape once; the rest is inferred.")]
public static class Respond<TError>
{
    public static Results<TOk, JsonHttpResult<TError>> With<T, TOk>(Outcome<T> outcome, HttpResponse response, Func<T, TOk> ok)
        where TOk : IResult =>
        outcome.Failure is { } failure ? failure.As<TError>() : Respond.Succeed(outcome, response, ok);
}

/// <summary>As <see cref="Respond{TError}"/>, for an endpoint that also refuses in a shape of its own, <typeparamref name="TRefusal"/>.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000", Justification = "The caller names the error shape once; the rest is inferred.")]
public static class Respond<TRefusal, TError>
{
    public static Results<TOk, JsonHttpResult<TRefusal>, JsonHttpResult<TError>> With<T, TOk>(Outcome<T> outcome, HttpResponse response, Func<T, TOk> ok)
        where TOk : IResult =>
        outcome.Failure switch
        {
            { Body: TRefusal } refusal => refusal.As<TRefusal>(),
            { } failure => failure.As<TError>(),
            null => Respond.Succeed(outcome, response, ok),
        };
}

internal static class Respond
{
    public static TOk Succeed<T, TOk>(Outcome<T> outcome, HttpResponse response, Func<T, TOk> ok)
    {
        if (outcome.Replayed)
        {
            response.Headers["Idempotent-Replayed"] = "true";
        }

        return ok(outcome.Value!);
    }
}
