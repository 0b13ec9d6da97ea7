using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Onboarding.Web.Services;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Onboarding.Web.Tests.Services;

/// <summary>The one way every Web client calls the Api: each way the Api fails to answer is "unavailable", never an exception.</summary>
public sealed class ApiCallTests
{
    public static TheoryData<Exception> Failures =>
    [
        new HttpRequestException("connection refused"),
        new JsonException("not JSON"),
        new TaskCanceledException("HttpClient's timeout"),
        new IOException("the connection was cut"),
        new TimeoutRejectedException("the pipeline's total timeout"),
        new BrokenCircuitException("the circuit is open"),
    ];

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task EachWayTheApiFailsToAnswerIsUnavailable(Exception failure)
    {
        var answer = await ApiCall.GuardAsync<string>(() => throw failure, detail => "unavailable: " + detail, CancellationToken.None);

        Assert.StartsWith("unavailable: ", answer, StringComparison.Ordinal);
        Assert.Contains(failure.Message, answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheCallersOwnCancellationPassesThrough()
    {
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        await Assert.ThrowsAsync<TaskCanceledException>(() =>
            ApiCall.GuardAsync<string>(() => throw new TaskCanceledException(), _ => "unavailable", cancel.Token));
    }

    [Fact]
    public async Task AnErrorBodyIsReadOnlyWhenItIsJson()
    {
        using var json = new HttpResponseMessage(HttpStatusCode.BadRequest) { Content = new StringContent("""{"error":"bad","code":"invalid_request"}""", null, "application/json") };
        using var page = new HttpResponseMessage(HttpStatusCode.BadGateway) { Content = new StringContent("<html>Bad gateway</html>", null, "text/html") };
        using var broken = new HttpResponseMessage(HttpStatusCode.BadRequest) { Content = new StringContent("{not json", null, "application/json") };

        Assert.Equal("invalid_request", (await ApiCall.ReadJsonAsync<JsonNode>(json, CancellationToken.None))?["code"]?.GetValue<string>());
        Assert.Null(await ApiCall.ReadJsonAsync<JsonNode>(page, CancellationToken.None));
        Assert.Null(await ApiCall.ReadJsonAsync<JsonNode>(broken, CancellationToken.None));
    }
}
