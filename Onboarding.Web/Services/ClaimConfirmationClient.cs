namespace Onboarding.Web.Services;

/// <summary>
/// Confirms a magic-link claim: the one call that creates the org and reveals its API key. It has its own
/// <see cref="HttpClient"/> because, unlike every other call, it must never be retried (see
/// <see cref="Extensions.Extensions.AddClaimConfirmationClient"/>).
/// </summary>
public sealed class ClaimConfirmationClient(HttpClient httpClient, ILogger<ClaimConfirmationClient> logger)
{
    /// <summary>Sends the confirmation once; the answer carries the plaintext key, which is never logged.</summary>
    public Task<ClaimConfirmation> ConfirmClaimAsync(string claimId, string token, CancellationToken cancellationToken = default) =>
        ClaimResponses.GuardAsync(async () =>
        {
            using var response = await httpClient.PostAsync(ClaimResponses.Path(claimId, token), content: null, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var problem = await ClaimResponses.ProblemAsync(response, cancellationToken);
                logger.LogInformation("Confirming claim {ClaimId} was refused: {Failure}", claimId, problem.Failure);
                return ClaimConfirmation.Failed(problem);
            }

            var confirmed = await response.Content.ReadFromJsonAsync<ClaimConfirmed>(cancellationToken);
            if (confirmed is not { Ok: true, ApiKey.Length: > 0, Org: not null })
            {
                logger.LogWarning("Confirming claim {ClaimId} answered 200 without an org and key", claimId);
                return ClaimConfirmation.Failed(new ClaimProblemDetails(ClaimFailure.ApiUnavailable, "The Api answered without an org and key."));
            }

            logger.LogInformation("Claim {ClaimId} confirmed for org {Org}, key {ApiKeyId}", claimId, confirmed.Org, confirmed.ApiKeyId);
            return ClaimConfirmation.Success(confirmed);
        }, ClaimConfirmation.Failed, logger, "Confirming", claimId, cancellationToken);
}
