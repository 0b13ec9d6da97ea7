namespace Onboarding.Api.Infrastructure;

/// <summary>
/// A surface whose errors are not the shared <c>{error, code}</c> envelope. It says which requests are its own and how a
/// shared failure (body reading, authentication, rate limits, unknown routes, unexpected errors) reads in its envelope;
/// the surface registers it, and what answers before any handler runs asks it.
/// </summary>
public interface IErrorSurface
{
    bool Owns(HttpRequest request);

    IResult Answer(JsonHttpResult<ApiError> failure);
}

public static class ErrorSurfaces
{
    /// <summary>A shared failure as the request's surface answers it.</summary>
    public static IResult ForSurface(this JsonHttpResult<ApiError> error, HttpContext context)
    {
        foreach (var surface in context.RequestServices.GetServices<IErrorSurface>())
        {
            if (surface.Owns(context.Request))
            {
                return surface.Answer(error);
            }
        }

        return error;
    }
}
