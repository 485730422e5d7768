"""Payment providers behind one interface (base.Provider), chosen by PAYMENT_PROVIDER."""
