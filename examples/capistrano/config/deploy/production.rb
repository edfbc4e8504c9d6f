server "web1.example.com", user: "deploy", roles: %w[app web]
server "web2.example.com", user: "deploy", roles: %w[app web]
