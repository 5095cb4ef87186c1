"""The site's own views, one module per area: accounts and households, bookings,
what's on, search and the commons in numbers."""
