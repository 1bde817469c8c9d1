"""The place index: GeoNames places, the analyst's imports, the opt-in online geocoders."""
