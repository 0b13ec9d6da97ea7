using Microsoft.AspNetCore.Diagnostics;
using Npgsql;
using Onboarding.Data.Infrastructure;
using StackExchange.Redis;

namespace Onboarding.Api.Infrastructure;

/// <summary>
/// Keeps the error envelope for failures that never reach a handler: malformed route or query values,
/// unknown routes, wrong methods, and unexpected exceptions (logged, never echoed). A request that failed because
/// Postgres or Redis was briefly away (a restart, cut connections, a timeout) answers 503 with Retry-After: the client
/// may retry, while a 500 means a bug.
/// </summary>
public static class ErrorHandling
{
    public static WebApplication UseOnboardingErrors(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = exception => exception switch
            {
                BadHttpRequestException bad => bad.StatusCode,
                _ when IsDependencyOutage(exception) => StatusCodes.Status503ServiceUnavailable,
                _ => StatusCodes.Status500InternalServerError,
            },
            ExceptionHandler = context =>
            {
                var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
                JsonHttpResult<ApiError> error;
                if (exception is BadHttpRequestException bad)
                {
                    error = Errors.Create(bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "request_too_large" : "invalid_request", bad.Message);
                }
                else if (exception is not null && IsDependencyOutage(exception))
                {
                    ConnectionLoss.ClearPoolOn(exception, context.RequestServices.GetRequiredService<NpgsqlDataSource>());
                    context.Response.Headers.RetryAfter = "1";
                    error = Errors.DependencyUnavailable();
                }
                else
                {
                    error = Errors.Create(StatusCodes.Status500InternalServerError, "internal_error", "Something went wrong on our side; the request was not applied.");
                }

                return error.ForSurface(context).ExecuteAsync(context);
            },
        });

        app.UseStatusCodePages(context =>
        {
            var response = context.HttpContext.Response;
            var error = response.StatusCode switch
            {
                StatusCodes.Status404NotFound => Errors.Create(404, "not_found", "No such endpoint."),
                StatusCodes.Status405MethodNotAllowed => Errors.Create(405, "method_not_allowed", "This endpoint does not accept that method."),
                var status => Errors.Create(status, "invalid_request", "The request could not be processed."),
            };
            return error.ForSurface(context.HttpContext).ExecuteAsync(context.HttpContext);
        });

        return app;
    }

    /// <summary>Whether the exception, or one it wraps (EF Core wraps Npgsql's), says a dependency was away rather than a bug.</summary>
    public static bool IsDependencyOutage(Exception exception)
    {
        if (ConnectionLoss.Is(exception))
        {
            return true;
        }

        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is NpgsqlException { IsTransient: true } or RedisConnectionException or RedisTimeoutException or TimeoutException)
            {
                return true;
            }
        }

        return false;
    }
}
