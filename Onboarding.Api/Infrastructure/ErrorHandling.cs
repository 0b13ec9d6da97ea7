using Microsoft.AspNetCore.Diagnostics;
using Onboarding.Api.Interviews;

namespace Onboarding.Api.Infrastructure;

/// <summary>
/// Keeps the error envelope for failures that never reach a handler: malformed route or query values,
/// unknown routes, wrong methods, and unexpected exceptions (logged, never echoed).
/// </summary>
public static class ErrorHandling
{
    public static WebApplication UseOnboardingErrors(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = exception => exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
            ExceptionHandler = context =>
            {
                var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
                var error = exception is BadHttpRequestException bad
                    ? Errors.Create(bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "request_too_large" : "invalid_request", bad.Message)
                    : Errors.Create(StatusCodes.Status500InternalServerError, "internal_error", "Something went wrong on our side; the request was not applied.");
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
}
