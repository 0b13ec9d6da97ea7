using System.Text.Json.Nodes;

namespace Onboarding.Api.Sessions;

/// <summary>The examples of the session contract, as the API reference shows them.</summary>
internal static class SessionExamples
{
    public static readonly JsonNode CreateRequest = JsonNode.Parse("""
        { "user_agent": "claude-code/0.5.0", "project_hint": "github.com/acme/agents" }
        """)!;

    public static readonly JsonNode CreateResponse = JsonNode.Parse("""
        {
          "session_id": "ses_01JD8X3Q9V7M2T5K4R6N8P0W1Y",
          "view_url": "http://127.0.0.1:5090/onboarding/ses_01JD8X3Q9V7M2T5K4R6N8P0W1Y?t=AQx8r0kAAAAAAAAAAAAAAAB3pZ...",
          "expires_at": 1749146291000,
          "write_token": "wt_q3Vd8mH0k2Zb7Yx1cJ9fT4nL6sR5pW0eA8gU2iO3yE"
        }
        """)!;

    public static readonly JsonNode AppendRequest = JsonNode.Parse("""
        {
          "events": [
            { "type": "onboarding.jurisdiction_selected", "ts": 1746478291000, "payload": { "jurisdiction": "AE" } },
            {
              "type": "onboarding.capabilities_inferred",
              "ts": 1746478295000,
              "payload": { "input": "customer support chat for our SaaS", "capabilities": ["consumer_chatbot"], "inferred_tier": "limited" }
            }
          ]
        }
        """)!;

    public static readonly JsonNode AppendResponse = JsonNode.Parse("""{ "accepted": 2 }""")!;

    public static readonly JsonNode ReadResponse = JsonNode.Parse("""
        {
          "session_id": "ses_01JD8X3Q9V7M2T5K4R6N8P0W1Y",
          "opened_at": 1746478290000,
          "expires_at": 1749070290000,
          "claimed": false,
          "claimed_by": null,
          "user_agent": "claude-code/0.5.0",
          "project_hint": "github.com/acme/agents",
          "last_seq": 2,
          "events": [
            { "seq": 1, "type": "onboarding.session_opened", "ts": 1746478290000,
              "payload": { "user_agent": "claude-code/0.5.0", "project_hint": "github.com/acme/agents" },
              "hash": "9f2c6d0b0d7f4f0e1c8a3b5e7d9f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b" },
            { "seq": 2, "type": "onboarding.jurisdiction_selected", "ts": 1746478291000,
              "payload": { "jurisdiction": "AE" },
              "hash": "1b7e0c9d8a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d" }
          ],
          "has_more": false,
          "view_token": "AQx8r0kAAAAAZ0m2QAAAAAB3pZ...",
          "view_url": "http://127.0.0.1:5090/onboarding/ses_01JD8X3Q9V7M2T5K4R6N8P0W1Y?t=AQx8r0kAAAAAZ0m2QAAAAAB3pZ..."
        }
        """)!;
}
